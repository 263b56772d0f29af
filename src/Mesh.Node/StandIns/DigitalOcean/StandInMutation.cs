namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// One write the stand-in answered with success, in the order it answered them, including writes it dropped
/// on purpose (<see cref="DigitalOceanStandIn.DropNextWrites"/>). <paramref name="TokenUsed"/> is "token" or
/// "actions-token": which configured token authorised the write, never the token itself.
/// </summary>
public sealed record StandInMutation(string Method, string Path, string Summary, string TokenUsed, bool Dropped, DateTimeOffset At);
