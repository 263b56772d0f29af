using System.Runtime.InteropServices;

namespace Mesh.Node.Demo;

/// <summary>POSIX signals to child processes: .NET's Process can only SIGKILL.</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;
}
