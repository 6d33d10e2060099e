using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>
/// Checks "Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET" the way pve-access-control's verify_token does, and
/// otherwise a login ticket (cookie PVEAuthCookie) with its CSRFPreventionToken header on every non-GET request.
/// </summary>
internal sealed partial class TokenAuthenticator(SimulatedCluster cluster, PveRelease release, TicketAuthority tickets)
{
    /// <summary>Throws PVE's 401, whose text travels only in the reason phrase.</summary>
    public ApiToken Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var match = TokenHeaderPattern().Match(header);
        if (!match.Success)
        {
            return AuthenticateTicket(request, header);
        }

        var value = Uri.UnescapeDataString(match.Groups[1].Value.Trim());
        var separator = value.LastIndexOf('=');
        if (separator < 0)
        {
            throw Failure("no tokenid specified");
        }

        var tokenId = value[..separator];
        var secret = value[(separator + 1)..];
        var bang = tokenId.IndexOf('!');
        if (bang <= 0 || !tokenId[..bang].Contains('@'))
        {
            throw Failure($"'{tokenId}' is not a valid token ID - not able to split into user and token parts");
        }

        var userId = tokenId[..bang];
        if (!cluster.UserExists(userId))
        {
            throw Failure($"no such user ('{userId}')");
        }

        var token = cluster.FindToken(tokenId) ?? throw Failure($"no such token '{tokenId[(bang + 1)..]}' for user '{userId}'");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(token.Secret)))
        {
            throw Failure("invalid token value!");
        }

        return token;
    }

    private ApiToken AuthenticateTicket(HttpRequest request, string authorization)
    {
        // pveproxy reads the cookie first, then "Authorization: PVEAuthCookie=<ticket>"; the value is URI-unescaped.
        var sent = CookieValue(request.Headers.Cookie.ToString()) ?? CookieValue(authorization);
        if (sent is null)
        {
            throw PveApiException.Unauthorized("No ticket");
        }

        var userId = tickets.VerifyTicket(Uri.UnescapeDataString(sent)) ?? throw Failure("permission denied - invalid PVE ticket");
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && !tickets.VerifyCsrfToken(request.Headers["CSRFPreventionToken"].ToString(), userId))
        {
            throw PveApiException.Unauthorized("Permission denied - invalid csrf token");
        }

        var user = cluster.FindUser(userId);
        if (user is null && userId != "root@pam")
        {
            throw Failure($"no such user ('{userId}')");
        }

        return new ApiToken(userId, "", user?.Privileges) { IsTicketUser = true };
    }

    private static string? CookieValue(string header)
    {
        var match = TicketCookiePattern().Match(header);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"(?:^|\s|;)PVEAuthCookie=([^;]*)")]
    private static partial Regex TicketCookiePattern();

    // Before pve-manager 9.1.5 the raw cause was sent; since then every failure reads the same.
    private PveApiException Failure(string cause) =>
        PveApiException.Unauthorized(release.UnifiedAuthenticationFailure ? "Authentication failed!" : cause);

    // pve-manager's HTTPServer: a space may replace the '=' after PVEAPIToken.
    [GeneratedRegex(@"(?:^|\s)PVEAPIToken(?:=| )([^;]*)")]
    private static partial Regex TokenHeaderPattern();
}
