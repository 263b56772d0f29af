namespace Mesh.Node.Api;

// The bodies the failover commands take (SPEC section 4). Public so that the API document names them.

/// <summary><c>POST /api/v1/failover/pause</c>; the body is optional.</summary>
public sealed record PauseBody(string? Reason = null);

/// <summary><c>POST /api/v1/failover/failover</c>: <c>To</c> is required; each accept flag lifts one rule's refusal.</summary>
public sealed record FailoverBody(string? To, bool AcceptDataLoss = false, bool AcceptSplitBrainRisk = false);

/// <summary><c>POST /api/v1/failover/switchover</c>: <c>To</c> is required.</summary>
public sealed record SwitchoverBody(string? To, bool Force = false);

/// <summary><c>POST /api/v1/failover/adopt</c>: both fields are required; <c>Epoch</c> is the counter last seen.</summary>
public sealed record AdoptBody(string? ActiveRegion, long? Epoch);
