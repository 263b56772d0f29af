using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>
/// A CA trusted by this user for as long as the scope lives. On Linux, .NET builds a peer's chain (SslStream's
/// RemoteCertificateChainErrors) against the OpenSSL store (SSL_CERT_FILE / SSL_CERT_DIR, else OpenSSL's defaults) and
/// the CurrentUser Root store, a folder under the home directory that .NET re-reads when it changes. Adding there is what
/// an operator who cannot write /etc/ssl does, and it is undone on dispose. Should the process die first, the CA stays
/// trusted only until it expires (an hour), and its key died with the process, so nothing else can be signed by it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TrustedRoot : IDisposable
{
    // .NET's CurrentUser Root store on Linux (DirectoryBasedStoreProvider); known here only to remove the folders that adding created.
    private static readonly string StorePath = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "corefx", "cryptography", "x509stores", "root");

    private readonly X509Certificate2 _ca;
    private readonly string? _outermostCreated;

    private TrustedRoot(X509Certificate2 ca, string? outermostCreated)
    {
        _ca = ca;
        _outermostCreated = outermostCreated;
    }

    /// <param name="ca">The CA's certificate, without its private key.</param>
    public static TrustedRoot Add(X509Certificate2 ca)
    {
        var outermostMissing = OutermostMissing(StorePath);
        using var store = new X509Store(StoreName.Root, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(ca);
        return new TrustedRoot(ca, outermostMissing);
    }

    public void Dispose()
    {
        using (var store = new X509Store(StoreName.Root, StoreLocation.CurrentUser))
        {
            store.Open(OpenFlags.ReadWrite);
            store.Remove(_ca);
        }
        if (_outermostCreated is null) return;
        // Non-recursive deletes, innermost first: a folder that meanwhile holds anything else stays.
        for (var dir = StorePath; dir.Length >= _outermostCreated.Length; dir = Path.GetDirectoryName(dir)!)
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    private static string? OutermostMissing(string path)
    {
        string? missing = null;
        for (var dir = path; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)) missing = dir;
        return missing;
    }
}
