using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// The rise/fall state of one target from one vantage. Pure: <see cref="After"/> returns the next
/// state. <c>unknown</c> lasts until Rise passes or Fall failures in a row give the first verdict; a
/// healthy target turns unhealthy after Fall failures in a row, an unhealthy one healthy after Rise passes.
/// </summary>
public sealed record ProbeVerdict(string Status, DateTimeOffset? Since, int ConsecutivePasses, int ConsecutiveFailures)
{
    public static readonly ProbeVerdict Initial = new(ProbeStatus.Unknown, null, 0, 0);

    public ProbeVerdict After(bool passed, DateTimeOffset at, int rise, int fall)
    {
        var passes = passed ? ConsecutivePasses + 1 : 0;
        var failures = passed ? 0 : ConsecutiveFailures + 1;
        var status = Status switch
        {
            _ when passed && passes >= rise => ProbeStatus.Healthy,
            _ when !passed && failures >= fall => ProbeStatus.Unhealthy,
            _ => Status,
        };
        return new ProbeVerdict(status, status == Status ? Since : at, passes, failures);
    }
}
