using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PveOperator.Proxmox;

/// <summary>An API token id, <c>USER@REALM!TOKENNAME</c> (e.g. <c>operator@pve!k8s</c>).</summary>
[JsonConverter(typeof(PveTokenIdJsonConverter))]
public sealed partial record PveTokenId
{
    public required string User { get; init; }
    public required string Realm { get; init; }
    public required string TokenName { get; init; }

    /// <summary>The owning user id, <c>USER@REALM</c>.</summary>
    public string UserId => $"{User}@{Realm}";

    public static PveTokenId Parse(string text) =>
        TryParse(text, out var tokenId)
            ? tokenId
            : throw new FormatException(
                $"Invalid PVE token id \"{text}\": expected USER@REALM!TOKENNAME, e.g. operator@pve!k8s.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PveTokenId? tokenId)
    {
        tokenId = null;
        var match = text is null ? Match.Empty : TokenIdPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        tokenId = new PveTokenId
        {
            User = match.Groups["user"].Value,
            Realm = match.Groups["realm"].Value,
            TokenName = match.Groups["token"].Value,
        };
        return true;
    }

    public override string ToString() => $"{User}@{Realm}!{TokenName}";

    // pve-access-control's formats: user [^\s:/]+ (it may hold '@', the realm is after the last one),
    // realm and token name [A-Za-z][A-Za-z0-9.\-_]+.
    [GeneratedRegex(@"^(?<user>[^\s:/!]+)@(?<realm>[A-Za-z][A-Za-z0-9.\-_]+)!(?<token>[A-Za-z][A-Za-z0-9.\-_]+)\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex TokenIdPattern();
}
