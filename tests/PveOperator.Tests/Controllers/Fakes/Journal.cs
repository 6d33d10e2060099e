namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>One ordered record of what every fake saw, so a test can check what happened before what.</summary>
internal sealed class Journal
{
    private readonly List<string> entries = [];

    public IReadOnlyList<string> Entries => entries;

    public void Add(string entry) => entries.Add(entry);

    public int IndexOf(string prefix) => entries.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
}
