namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>A domain record as the stand-in stores it; <paramref name="Name"/> is relative to the domain ("www", "@" for the apex), as in the API.</summary>
public sealed record StandInRecord(long Id, string Type, string Name, string Data, int Ttl);
