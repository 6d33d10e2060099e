namespace PveSimulator.Model;

/// <summary>A parsed netN value: a comma-separated k=v list (PVE prints keys in no fixed order).</summary>
internal sealed class NetLine
{
    private readonly Dictionary<string, string> options;

    private NetLine(Dictionary<string, string> options) => this.options = options;

    public static NetLine Parse(string value)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                options[part[..equals]] = part[(equals + 1)..];
            }
        }

        return new NetLine(options);
    }

    public string? this[string key] => this.options.GetValueOrDefault(key);
}
