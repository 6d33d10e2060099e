using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PveSimulator.Api;

/// <summary>
/// Issues and checks login tickets and CSRF tokens in PVE's formats: ticket "PVE:&lt;data&gt;:&lt;8 hex time&gt;::&lt;signature&gt;",
/// CSRF token "&lt;8 hex time&gt;:&lt;signature&gt;". Both are valid while -300 s &lt; age &lt; lifetime (PVE: 2 h).
/// PVE signs tickets with RSA; an HMAC keyed per simulator start is enough to make forged tickets fail.
/// </summary>
internal sealed class TicketAuthority(TimeProvider time, TimeSpan lifetime)
{
    public const string Prefix = "PVE";
    private const string SecondFactorMarker = "!tfa!";
    private static readonly TimeSpan ClockSkewGrace = TimeSpan.FromMinutes(5);

    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);

    public string IssueTicket(string userId) => Sign(Escape(userId));

    /// <summary>The half-authenticated ticket of the first 2FA step; no API call accepts it.</summary>
    public string IssueSecondFactorTicket(string userId) => Sign(SecondFactorMarker + Escape($"{{\"user\":\"{userId}\",\"totp\":true}}"));

    public string IssueCsrfToken(string userId)
    {
        var stamp = Stamp();
        return $"{stamp}:{Signature($"{stamp}:{userId}")}";
    }

    /// <summary>The user of a valid full ticket, or null (bad signature, expired, half-authenticated).</summary>
    public string? VerifyTicket(string? ticket)
    {
        var data = VerifiedData(ticket);
        return data is null || data.StartsWith(SecondFactorMarker, StringComparison.Ordinal) ? null : Uri.UnescapeDataString(data);
    }

    /// <summary>The user a valid half-authenticated ticket was issued for, or null.</summary>
    public string? VerifySecondFactorTicket(string? ticket)
    {
        var data = VerifiedData(ticket);
        if (data is null || !data.StartsWith(SecondFactorMarker, StringComparison.Ordinal))
        {
            return null;
        }

        var challenge = Uri.UnescapeDataString(data[SecondFactorMarker.Length..]);
        const string userField = "\"user\":\"";
        var start = challenge.IndexOf(userField, StringComparison.Ordinal) + userField.Length;
        var end = challenge.IndexOf('"', start);
        return end > start ? challenge[start..end] : null;
    }

    public bool VerifyCsrfToken(string? token, string userId)
    {
        if (token is null || token.Split(':') is not [var stamp, var signature] || !IsFresh(stamp))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Signature($"{stamp}:{userId}")));
    }

    private string Sign(string data)
    {
        var signed = $"{Prefix}:{data}:{Stamp()}";
        return $"{signed}::{Signature(signed)}";
    }

    private string? VerifiedData(string? ticket)
    {
        if (ticket is null)
        {
            return null;
        }

        var separator = ticket.LastIndexOf("::", StringComparison.Ordinal);
        if (separator < 0)
        {
            return null;
        }

        var signed = ticket[..separator];
        var signature = ticket[(separator + 2)..];
        var parts = signed.Split(':');
        if (parts is not [Prefix, var data, var stamp] || !IsFresh(stamp)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Signature(signed))))
        {
            return null;
        }

        return data;
    }

    private bool IsFresh(string stamp)
    {
        if (stamp.Length != 8 || !long.TryParse(stamp, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age > -ClockSkewGrace && age < lifetime;
    }

    private string Stamp() => time.GetUtcNow().ToUnixTimeSeconds().ToString("X8", CultureInfo.InvariantCulture);

    private string Signature(string data) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data)));

    // ':' separates the ticket's fields, so PVE URI-escapes it inside the data.
    private static string Escape(string value) => value.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);
}
