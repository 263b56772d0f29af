using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// One generated history of a guard of region A, every member of the mesh, and the coordinator that stores a
/// move away from A and then waits for evidence (c). Time is real seconds from the guard's start; each node
/// reads its own monotonic clock, which runs at its own rate. The world is adversarial where the rules allow:
/// A's own members grant forever (A is cut off and never learns of the move), delays range from nothing to
/// twice Duration, messages are lost, the guard and coordinator clocks drift apart by up to DriftMargin
/// over Duration in either direction, and the guard freezes for up to three Durations.
/// </summary>
internal sealed class LeaseWorld
{
    private sealed record Member(string Node, int Region, double StopsAt, double? ConfirmedAt, double? RemovedAt);

    private sealed record Grant(long RequestId, string Grantor, string GrantorRegion, double ProcessedAt);

    private readonly Random _rng;
    private readonly List<Member> _members = [];
    private readonly List<(double From, double To)> _freezes = [];
    private readonly double _guardRate, _guardOrigin, _coordRate, _coordOrigin;

    public LeaseWorld(int seed)
    {
        _rng = new Random(seed);
        var ri = Between(0.3, 3);
        var lead = ri * Between(2, 4);
        var duration = lead + 3 * ri + Between(0, 30);
        var drift = duration * Between(0.005, 0.1);
        var regions = _rng.Next(2) == 0 ? 3 : 5;
        Settings = new LeaseSettings(Sec(duration), Sec(ri), Sec(lead), Sec(drift), Quorum: regions / 2 + 1);

        // Two clocks that differ by at most DriftMargin over Duration: |rate| <= M / (2D + 2M), extremes often.
        var rho = drift / (2 * duration + 2 * drift);
        _guardRate = 1 + Rate(rho);
        _coordRate = 1 + Rate(rho);
        _guardOrigin = Between(0, 1e5);
        _coordOrigin = Between(0, 1e5);

        StoredAt = Between(0, 2 * duration);
        for (var r = 0; r < regions; r++)
            for (var n = 0; n < 1 + _rng.Next(2); n++)
            {
                var node = $"r{r}-{n}";
                if (r == 0) { _members.Add(new Member(node, r, double.PositiveInfinity, null, null)); continue; }
                var stops = StoredAt + Delay(duration);   // when its copy of the state shows the move (gossip)
                _members.Add(_rng.NextDouble() < 0.2
                    ? new Member(node, r, stops, null, stops + Delay(duration))     // removed from the cluster after it stopped
                    : new Member(node, r, stops, stops + Delay(duration), null));   // confirms; the confirmation travels
            }

        for (var i = _rng.Next(3); i > 0; i--)
        {
            var from = Between(0, StoredAt + 2 * duration);
            var u = _rng.NextDouble();
            var length = u < 0.3 ? Between(0, 0.9 * ri) : u < 0.6 ? Between(0, duration) : Between(0, 3 * duration);
            _freezes.Add((from, from + length));
        }
    }

    public LeaseSettings Settings { get; }

    public double StoredAt { get; }

    /// <summary>What one run found.</summary>
    /// <param name="Expired">Real time from which the coordinator may count A's lease expired.</param>
    /// <param name="LeaseOutlived">Hold verdicts whose lease (or never-granted count) ends, in real time, at or after <paramref name="Expired"/>.</param>
    /// <param name="FencedAt">Real time of the guard's first fence verdict; null when it never fenced.</param>
    /// <param name="FencedLateAfterFreeze">The guard fenced at or after <paramref name="Expired"/>, on its first tick after a freeze longer than RenewInterval.</param>
    /// <param name="MinSlack">The least time between the end of a held lease and <paramref name="Expired"/>.</param>
    /// <param name="HoldAfterFreeze">Hold verdicts on a tick more than RenewInterval late of a guard that holds or held a lease.</param>
    public sealed record Outcome(double Expired, int LeaseOutlived, double? FencedAt, bool FencedLateAfterFreeze, bool HeldAtStore, double MinSlack, int HoldAfterFreeze);

    /// <param name="coordinator">The settings the coordinator counts with (a test may take its DriftMargin away).</param>
    /// <param name="fromReceipt">Measure each grant from its arrival instead of its request's send (a wrong guard, for the mutant tests).</param>
    public Outcome Run(LeaseSettings coordinator, bool fromReceipt = false)
    {
        var facts = new ExpiryFacts("r0", Sec(Coord(StoredAt)),
            _members.Where(m => m.Region != 0).Select(m => new OutsideMember(m.Node, $"r{m.Region}",
                m.ConfirmedAt is { } c ? Sec(Coord(c)) : null, m.RemovedAt is { } r ? Sec(Coord(r)) : null)).ToList(),
            GuardedWhenLastHeard: true, AdvisoryFence: false);
        var expired = CoordInverse(LeaseExpiryEvidence.Evaluate(facts, TimeSpan.MaxValue - TimeSpan.FromDays(1), coordinator).ExpiredAt!.Value.TotalSeconds);

        var d = Settings.Duration.TotalSeconds;
        var ri = Settings.RenewInterval.TotalSeconds;
        var requests = new List<SentRequest>();
        var grants = new List<Grant>();
        var heldBefore = false;
        var heldAtStore = false;
        var outlived = 0;
        var holdAfterFreeze = 0;
        var minSlack = double.PositiveInfinity;
        double fire = 0, late = 0;
        long id = 0;
        while (fire < expired + 4 * d)
        {
            var now = Guard(fire);
            requests.RemoveAll(r => r.SentAt.TotalSeconds + d < now);
            grants.RemoveAll(g => requests.All(r => r.RequestId != g.RequestId));
            var seen = grants.Where(g => g.ProcessedAt <= fire).ToList();
            var guardFacts = new GuardFacts("r0", Sec(Guard(0)), Sec(Guard(0)), new Epoch(1, "c"), true,
                fromReceipt ? seen.Select(g => new SentRequest(-g.RequestId * 1000 - Hash(g.Grantor), Sec(Guard(g.ProcessedAt)))).ToList() : requests.ToList(),
                seen.Select(g => new ReceivedGrant(fromReceipt ? -g.RequestId * 1000 - Hash(g.Grantor) : g.RequestId, g.Grantor, g.GrantorRegion, new Epoch(1, "c"), "r0", Sec(Guard(g.ProcessedAt)))).ToList(),
                Sec(late), heldBefore);
            var verdict = GuardRule.Judge(guardFacts, Sec(now), Settings);
            heldBefore |= verdict.Lease.EverHeld;
            if (!verdict.Holds)
            {
                var lateAfterFreeze = fire >= expired && late > ri;
                return new Outcome(expired, outlived, fire, lateAfterFreeze, heldAtStore, minSlack, holdAfterFreeze);
            }

            // Rule 4's freeze clause is for a lease the freeze may have outlived; a guard never granted one holds by its never-granted clock.
            if (late > ri && heldBefore) holdAfterFreeze++;
            var ends = GuardInverse((verdict.FenceAt!.Value + Settings.FenceLead).TotalSeconds);
            if (ends >= expired) outlived++;
            if (verdict.Lease.EverHeld) minSlack = Math.Min(minSlack, expired - ends);
            if (fire <= StoredAt && verdict.Lease.Holds) heldAtStore = true;

            Send(++id, fire, requests, grants);
            var due = now + ri;
            var next = GuardInverse(due + Between(0, 0.1 * ri));
            foreach (var (from, to) in _freezes.OrderBy(f => f.From))
                if (next >= from && next < to) next = to;
            late = Guard(next) - due;
            fire = next;
        }

        return new Outcome(expired, outlived, null, false, heldAtStore, minSlack, holdAfterFreeze);
    }

    private void Send(long id, double at, List<SentRequest> requests, List<Grant> grants)
    {
        requests.Add(new SentRequest(id, Sec(Guard(at))));
        var d = Settings.Duration.TotalSeconds;
        foreach (var m in _members)
        {
            if (_rng.NextDouble() < 0.1) continue;   // the request is lost
            var arrives = at + Delay(d);
            if (arrives >= m.StopsAt || (m.RemovedAt is { } removed && arrives >= removed)) continue;   // refused
            if (_rng.NextDouble() < 0.1) continue;   // the grant is lost
            var received = arrives + Delay(d);
            foreach (var (from, to) in _freezes)
                if (received >= from && received < to) received = to;   // a frozen guard reads its mail on thawing
            grants.Add(new Grant(id, m.Node, $"r{m.Region}", received));
        }
    }

    private double Delay(double duration)
    {
        var u = _rng.NextDouble();
        return u < 0.4 ? Between(0, 0.01) : u < 0.7 ? Between(0, Settings.RenewInterval.TotalSeconds) : u < 0.9 ? Between(0, duration / 2) : Between(0, 2 * duration);
    }

    private double Rate(double rho) => _rng.Next(3) switch { 0 => rho, 1 => -rho, _ => Between(-rho, rho) };

    private double Between(double a, double b) => a + (b - a) * _rng.NextDouble();

    private double Guard(double t) => _guardOrigin + t * _guardRate;

    private double GuardInverse(double reading) => (reading - _guardOrigin) / _guardRate;

    private double Coord(double t) => _coordOrigin + t * _coordRate;

    private double CoordInverse(double reading) => (reading - _coordOrigin) / _coordRate;

    private static int Hash(string node) => Math.Abs(StringComparer.Ordinal.GetHashCode(node) % 1000);

    private static TimeSpan Sec(double s) => TimeSpan.FromSeconds(s);
}
