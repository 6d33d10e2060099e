using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>POST /access/ticket: the ticket, its CSRF token, and NeedTFA when a second factor is asked for.</summary>
public sealed record PveTicketResponse
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("ticket")]
    public string? Ticket { get; init; }

    [JsonPropertyName("CSRFPreventionToken")]
    public string? CsrfPreventionToken { get; init; }

    [JsonPropertyName("NeedTFA")]
    public int? NeedTfa { get; init; }
}
