namespace Mesh.Node.Api;

// The small answers that are not views of actor state. Named types rather than anonymous objects, so that the API
// document describes exactly what is sent.

/// <summary><c>/healthz</c> ("ok") and <c>/readyz</c> (the member status, "Up").</summary>
public sealed record HealthAnswer(string Status);

/// <summary>A command that took effect at once (pause, resume, adopt): an empty object.</summary>
public sealed record CommandDone;

/// <summary>A command that started a move (failover, switchover): 202 with the move's epoch counter.</summary>
public sealed record MoveStarted(long Epoch);

/// <summary>
/// Every error as the API sends it (RFC 9457, written by <see cref="ApiProblems"/> and ASP.NET Core's problem details
/// service): the standard members, the request's trace id, and for a refused command each reason on its own.
/// Only describes the answer; the API never builds one of these.
/// </summary>
public sealed record ProblemAnswer(string Type, string Title, int Status, string Detail, string TraceId, string? Instance = null, IReadOnlyList<string>? Reasons = null);
