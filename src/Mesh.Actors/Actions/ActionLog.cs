namespace Mesh.Actors.Actions;

/// <summary>The steps of one action as they happen, so that a failure can say what had already been done.</summary>
internal sealed class ActionLog
{
    private readonly List<string> _done = [];

    public IReadOnlyList<string> Done => _done;

    /// <summary>The step under way, named in an error.</summary>
    public string Step { get; private set; } = "connecting";

    public void Start(string step) => Step = step;

    public void Did(string what) => _done.Add(what);
}
