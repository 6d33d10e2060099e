using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// The JSON body of a PVE error: <c>{"data":null[,"message":"...\n"][,"errors":{"param":"why"}]}</c>.
/// <c>message</c> exists only since libpve-http-server-perl 5.2.0; before that the reason phrase is all there is.
/// </summary>
internal sealed record PveErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("errors")]
    public Dictionary<string, string>? Errors { get; init; }
}
