using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Failover;

/// <summary>
/// The coordinator's poll of one member's votes (SPEC 6 rule 2). Only answers to its own recent polls
/// count, so votes buffered while a coordinator moved can never be counted as fresh.
/// </summary>
public sealed record PollVotes(long Nonce, string Coordinator) : IMeshMessage;

/// <summary>A member's answer: its region's votes on every site region, as this member computes them now.</summary>
public sealed record VotesAnswer(long Nonce, string Node, string Region, IReadOnlyList<RegionVerdict> Verdicts) : IMeshMessage;
