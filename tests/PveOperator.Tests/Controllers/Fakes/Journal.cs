namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>
/// One ordered record of what every fake saw (and of the power actions the simulator received, which arrive on its
/// request threads), so a test can check what happened before what.
/// </summary>
internal sealed class Journal
{
    private readonly Lock gate = new();
    private readonly List<string> entries = [];

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (gate)
            {
                return entries.ToArray();
            }
        }
    }

    public void Add(string entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    public int IndexOf(string prefix)
    {
        lock (gate)
        {
            return entries.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
        }
    }
}
