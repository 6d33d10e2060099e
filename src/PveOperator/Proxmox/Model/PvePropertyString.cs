namespace PveOperator.Proxmox;

/// <summary>
/// Parses PVE property strings such as a netN value: comma-separated <c>key=value</c> pairs in whatever order PVE
/// printed them. Values in these formats never contain commas (lists use ';'), so a split is exact.
/// </summary>
internal static class PvePropertyString
{
    public static IReadOnlyDictionary<string, string> Parse(string? text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return pairs;
        }
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            // A part without '=' would be a format's default key; netN has none, so keep it under its own name.
            var key = equals < 0 ? part : part[..equals].Trim();
            var value = equals < 0 ? "" : part[(equals + 1)..].Trim();
            if (key.Length > 0)
            {
                pairs[key] = value;
            }
        }
        return pairs;
    }
}
