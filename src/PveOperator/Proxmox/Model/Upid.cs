using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PveOperator.Proxmox;

/// <summary>
/// A PVE task id: <c>UPID:node:pid:pstart:starttime:type:id:user:</c>. The node in it is where the task runs,
/// and the only node that can answer for its status.
/// </summary>
[JsonConverter(typeof(UpidJsonConverter))]
public sealed partial record Upid
{
    /// <summary>Node that runs the task (poll its status there).</summary>
    public required string Node { get; init; }
    public required long Pid { get; init; }
    /// <summary>Process start time in clock ticks since boot, as the kernel reports it.</summary>
    public required long PStart { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    /// <summary>Task type, e.g. vzstart, vzstop, vzshutdown, hastart.</summary>
    public required string Type { get; init; }
    /// <summary>Task object id, e.g. the vmid; may be empty.</summary>
    public required string Id { get; init; }
    /// <summary>Who started it, e.g. <c>root@pam</c> or <c>root@pam!operator</c> for a token.</summary>
    public required string User { get; init; }
    /// <summary>The UPID exactly as PVE wrote it.</summary>
    public required string Raw { get; init; }

    public static Upid Parse(string text) =>
        TryParse(text, out var upid)
            ? upid
            : throw new FormatException($"Not a PVE task id (UPID): \"{text}\".");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Upid? upid)
    {
        upid = null;
        if (text is null)
        {
            return false;
        }
        var match = ServerUpidPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        upid = new Upid
        {
            Node = match.Groups["node"].Value,
            Pid = ParseHex(match.Groups["pid"].Value),
            PStart = ParseHex(match.Groups["pstart"].Value),
            StartTime = DateTimeOffset.FromUnixTimeSeconds(ParseHex(match.Groups["starttime"].Value)),
            Type = match.Groups["type"].Value,
            Id = match.Groups["id"].Value,
            User = match.Groups["user"].Value,
            Raw = text,
        };
        return true;
    }

    public override string ToString() => Raw;

    private static long ParseHex(string hex) => long.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    // PVE::Tools::upid_decode's regex, with named groups; \z instead of Perl's $ so a trailing newline is refused
    // rather than carried into the task-status URL.
    [GeneratedRegex(
        @"^UPID:(?<node>[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):(?<pid>[0-9A-Fa-f]{8}):(?<pstart>[0-9A-Fa-f]{8,9}):(?<starttime>[0-9A-Fa-f]{8}):(?<type>[^:\s/]+):(?<id>[^:\s/]*):(?<user>[^:\s/]+):\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex ServerUpidPattern();
}
