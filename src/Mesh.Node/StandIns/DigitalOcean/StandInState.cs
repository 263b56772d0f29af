namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// Everything the stand-in holds, behind one lock. A write, the decision to drop it and its line in the
/// mutation log happen under that lock together, so the log's order is the order writes took effect.
/// Actions complete lazily: every read first applies the actions whose time has come, so no timer runs
/// and a test with <see cref="ActionDuration"/> zero sees the effect in the very answer to its POST.
/// </summary>
internal sealed class StandInState(TimeProvider clock, StandInFaults faults)
{
    private static readonly IReadOnlySet<string> DropletStatuses = new HashSet<string>(StringComparer.Ordinal) { "new", "active", "off", "archive" };
    private static readonly IReadOnlySet<string> LoadBalancerStatuses = new HashSet<string>(StringComparer.Ordinal) { "new", "active", "errored" };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RecordEntry>> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LoadBalancerEntry> _loadBalancers = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<long, DropletEntry> _droplets = [];
    private readonly Dictionary<long, ActionEntry> _actions = [];
    private readonly List<long> _pendingActions = [];
    private readonly List<StandInMutation> _mutations = [];
    // Starting points shaped like real ids, so nothing confuses them with small counters or each other.
    private long _nextRecordId = 3352892;
    private long _nextDropletId = 3164444;
    private long _nextActionId = 36804636;
    private TimeSpan _actionDuration = TimeSpan.Zero;
    private int _requests;

    public DateTimeOffset Now => clock.GetUtcNow();

    public int Requests => Volatile.Read(ref _requests);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public TimeSpan ActionDuration
    {
        get { lock (_gate) return _actionDuration; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate) _actionDuration = value;
        }
    }

    public IReadOnlyList<StandInMutation> Mutations
    {
        get { lock (_gate) return [.. _mutations]; }
    }

    // ---- domains and records

    public void AddDomain(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate) _domains.TryAdd(name.TrimEnd('.'), []);
    }

    public bool HasDomain(string domain)
    {
        lock (_gate) return _domains.ContainsKey(domain);
    }

    public RecordEntry SeedRecord(string domain, RecordEntry draft)
    {
        lock (_gate)
        {
            var records = DomainOrThrow(domain);
            var record = draft with { Id = _nextRecordId++ };
            records.Add(record);
            return record;
        }
    }

    /// <summary>The domain's records in id order, or null when there is no such domain.</summary>
    public IReadOnlyList<RecordEntry>? Records(string domain)
    {
        lock (_gate) return _domains.TryGetValue(domain, out var records) ? [.. records] : null;
    }

    public IReadOnlyList<StandInRecord> PublicRecords(string domain)
    {
        lock (_gate) return [.. DomainOrThrow(domain).Select(r => r.ToPublic())];
    }

    public RecordEntry? Record(string domain, long id)
    {
        lock (_gate) return _domains.TryGetValue(domain, out var records) ? records.Find(r => r.Id == id) : null;
    }

    /// <summary>Stores a new record, or only pretends to when a dropped write is due; the id is taken either way, as the answer carries it.</summary>
    public WriteOutcome<RecordEntry> CreateRecord(string domain, RecordEntry draft, WriteContext write)
    {
        lock (_gate)
        {
            if (!_domains.TryGetValue(domain, out var records)) return new(WriteStatus.NotFound);
            var record = draft with { Id = _nextRecordId++ };
            var dropped = faults.TakeDrop();
            if (!dropped) records.Add(record);
            Log(write, RecordSummary(write.Method, record), dropped);
            return new(dropped ? WriteStatus.Dropped : WriteStatus.Stored, record);
        }
    }

    /// <summary>
    /// Replaces a record in place (same id, same position) with <paramref name="merge"/> of the stored one, if
    /// <see cref="StandInRecordRules"/> accepts the result; a due dropped write answers the result without storing it.
    /// </summary>
    public WriteOutcome<RecordEntry> UpdateRecord(string domain, long id, Func<RecordEntry, RecordEntry> merge, WriteContext write)
    {
        lock (_gate)
        {
            if (!_domains.TryGetValue(domain, out var records)) return new(WriteStatus.NotFound);
            var index = records.FindIndex(r => r.Id == id);
            if (index < 0) return new(WriteStatus.NotFound);
            var updated = merge(records[index]) with { Id = id };
            if (StandInRecordRules.Problem(updated) is { } problem) return new(WriteStatus.Invalid, Problem: problem);
            var dropped = faults.TakeDrop();
            if (!dropped) records[index] = updated;
            Log(write, RecordSummary(write.Method, updated), dropped);
            return new(dropped ? WriteStatus.Dropped : WriteStatus.Stored, updated);
        }
    }

    private List<RecordEntry> DomainOrThrow(string domain) =>
        _domains.TryGetValue(domain, out var records) ? records : throw new KeyNotFoundException($"the stand-in has no domain '{domain}'; AddDomain it first");

    private static string RecordSummary(string method, RecordEntry r) => $"{method} {r.Name} {r.Type} {r.Data} ttl {r.Ttl}";

    // ---- load balancers

    public void AddLoadBalancer(string id, string name, string ip, string region, string status, IReadOnlyList<long>? dropletIds)
    {
        // Checked here rather than left to Prism: a bad seed would otherwise surface as a contract violation far from its cause.
        if (!Guid.TryParse(id, out _)) throw new ArgumentException($"'{id}' is not a UUID; load balancer ids are UUIDs in the API", nameof(id));
        if (ip.Length > 0 && !StandInRecordRules.IsIPv4(ip)) throw new ArgumentException($"'{ip}' is not an IPv4 address (or empty)", nameof(ip));
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        CheckLoadBalancerStatus(status);
        lock (_gate) _loadBalancers[id] = new LoadBalancerEntry(id, name, ip, region, status, [.. dropletIds ?? []], Now);
    }

    public void SetLoadBalancerStatus(string id, string status)
    {
        CheckLoadBalancerStatus(status);
        lock (_gate)
        {
            if (!_loadBalancers.TryGetValue(id, out var lb)) throw new KeyNotFoundException($"the stand-in has no load balancer '{id}'");
            _loadBalancers[id] = lb with { Status = status };
        }
    }

    public LoadBalancerEntry? LoadBalancer(string id)
    {
        lock (_gate) return _loadBalancers.GetValueOrDefault(id);
    }

    private static void CheckLoadBalancerStatus(string status)
    {
        if (!LoadBalancerStatuses.Contains(status))
            throw new ArgumentException($"'{status}' is not a load balancer status of the API ({string.Join(", ", LoadBalancerStatuses)})", nameof(status));
    }

    // ---- droplets and actions

    public long AddDroplet(string name, string region, IReadOnlyList<string> tags, string status)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        if (!DropletStatuses.Contains(status))
            throw new ArgumentException($"'{status}' is not a droplet status of the API ({string.Join(", ", DropletStatuses)})", nameof(status));
        lock (_gate)
        {
            var id = _nextDropletId++;
            _droplets[id] = new DropletEntry(id, name, region, [.. tags], status, Now);
            return id;
        }
    }

    public DropletEntry? Droplet(long id)
    {
        lock (_gate)
        {
            Settle();
            return _droplets.GetValueOrDefault(id);
        }
    }

    /// <summary>Droplets in id order; <paramref name="tag"/> exact, <paramref name="name"/> exact but case-insensitive, as the API filters.</summary>
    public IReadOnlyList<DropletEntry> Droplets(string? tag, string? name)
    {
        lock (_gate)
        {
            Settle();
            return [.. _droplets.Values.Where(d =>
                (tag is null || d.Tags.Contains(tag, StringComparer.Ordinal)) &&
                (name is null || string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))];
        }
    }

    public string DropletStatus(long id) =>
        Droplet(id)?.Status ?? throw new KeyNotFoundException($"the stand-in has no droplet {id}");

    /// <summary>Starts an action; one at a time per droplet, as the API refuses a second while one is pending.</summary>
    public WriteOutcome<ActionEntry> StartAction(long dropletId, string type, WriteContext write)
    {
        lock (_gate)
        {
            Settle();
            if (!_droplets.TryGetValue(dropletId, out var droplet)) return new(WriteStatus.NotFound);
            if (droplet.PendingActionId is not null) return new(WriteStatus.Busy, Problem: "Droplet already has a pending event.");
            var now = Now;
            var action = new ActionEntry(_nextActionId++, type, dropletId, droplet.Region, now, now + _actionDuration);
            _actions[action.Id] = action;
            _pendingActions.Add(action.Id);
            _droplets[dropletId] = droplet with { PendingActionId = action.Id };
            Log(write, $"{write.Method} {type} droplet {dropletId}", dropped: false);
            Settle(); // with no duration the answer to the POST already says completed
            return new(WriteStatus.Stored, _actions[action.Id]);
        }
    }

    public ActionEntry? Action(long id)
    {
        lock (_gate)
        {
            Settle();
            return _actions.GetValueOrDefault(id);
        }
    }

    /// <summary>Applies every action whose time has come: marks it completed and sets its droplet's power state.</summary>
    private void Settle()
    {
        var now = Now;
        _pendingActions.RemoveAll(id =>
        {
            var action = _actions[id];
            if (action.DueAt > now) return false;
            _actions[id] = action with { CompletedAt = action.DueAt };
            if (_droplets.TryGetValue(action.DropletId, out var droplet))
                _droplets[droplet.Id] = droplet with { PendingActionId = null, Status = StatusAfter(action.Type, droplet.Status) };
            return true;
        });
    }

    private static string StatusAfter(string actionType, string status) => actionType switch
    {
        "shutdown" or "power_off" => "off",
        "power_on" or "reboot" or "power_cycle" => "active",
        _ => status,
    };

    private void Log(WriteContext write, string summary, bool dropped) =>
        _mutations.Add(new StandInMutation(write.Method, write.Path, summary, write.TokenUsed, dropped, Now));
}
