namespace Mesh.Actors.Actions;

/// <summary>
/// A PostgreSQL action could not talk to its server, or the server refused a statement. The message names the
/// server (host:port) and the step, in words; it never holds the connection string or its password.
/// </summary>
public sealed class PostgresActionException(string message, Exception? inner) : Exception(message, inner);
