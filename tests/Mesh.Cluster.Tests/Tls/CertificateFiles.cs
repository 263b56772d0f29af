using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>
/// Node certificates as an operator deploys them: PKCS#12 files readable by the owner only, under one password that
/// lives in its own file, so the configuration names it as a secret reference (<c>file:</c>) and never holds it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class CertificateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory;
    private readonly string _password = RandomNumberGenerator.GetHexString(32);

    public CertificateFiles(string directory)
    {
        _directory = Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute).FullName;
        var passwordFile = Path.Combine(_directory, "node.pfx.pass");
        WriteOwnerOnly(passwordFile, System.Text.Encoding.UTF8.GetBytes(_password + "\n"));
        PasswordReference = "file:" + passwordFile;
    }

    /// <summary>The value of Remote:Tls:CertificatePassword.</summary>
    public string PasswordReference { get; }

    /// <summary>Writes <paramref name="certificate"/> and its key as <paramref name="name"/>.pfx; returns its path.</summary>
    public string Write(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, name + ".pfx");
        WriteOwnerOnly(path, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, _password));
        return path;
    }

    /// <summary>Writes CA certificates as one PEM file, as Remote:Tls:CaCertificatePath takes them, as <paramref name="name"/>.crt; returns its path.</summary>
    public string WriteCas(string name, params X509Certificate2[] cas)
    {
        var path = Path.Combine(_directory, name + ".crt");
        WriteOwnerOnly(path, System.Text.Encoding.ASCII.GetBytes(string.Concat(cas.Select(ca => ca.ExportCertificatePem() + "\n"))));
        return path;
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        file.Write(content);
    }
}
