namespace Mesh.Actors.Actions;

/// <summary>
/// A Redis action could not be done: the server could not be reached, did not answer in time, refused a command,
/// or did not show the change afterwards. The message names the server and says why in words. It is built from
/// the server's answers and carries no inner exception, so neither it nor a log of it can hold the password.
/// </summary>
public sealed class RedisActionException(string endpoint, string message) : Exception(message)
{
    public string Endpoint { get; } = endpoint;
}
