using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>POST /access/ticket (password login, renewal, second factor) and GET /access/permissions.</summary>
internal sealed partial class AccessEndpoints(SimulatorServices services)
{
    // The paths PVE always lists in /access/permissions (when something is granted there).
    private static readonly string[] StandardPaths = ["/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms"];

    // cap groups privileges by their prefix (RPCEnvironment::compute_api_permission).
    private static readonly (string Group, string[] Prefixes)[] CapGroups =
    [
        ("vms", ["VM."]), ("storage", ["Datastore."]), ("access", ["User.", "Group.", "Permissions.", "Realm."]),
        ("nodes", ["Sys."]), ("sdn", ["SDN."]), ("dc", ["Sys.Audit", "SDN."]), ("mapping", ["Mapping."]),
    ];

    public IEnumerable<ApiEndpoint> All() =>
    [
        new("POST", "/access/ticket", EndpointScope.Cluster, RequiredAccess.Authenticated, Ticket)
        {
            Anonymous = true,
            Parameters =
            [
                new ParameterSpec("username", ParameterType.String), new ParameterSpec("password", ParameterType.String),
                new ParameterSpec("realm", ParameterType.String), new ParameterSpec("otp", ParameterType.String),
                new ParameterSpec("tfa-challenge", ParameterType.String), new ParameterSpec("path", ParameterType.String),
                new ParameterSpec("privs", ParameterType.String), new ParameterSpec("new-format", ParameterType.Boolean),
            ],
        },
        new("GET", "/access/permissions", EndpointScope.Cluster, RequiredAccess.Authenticated, Permissions)
        {
            Parameters = [new ParameterSpec("userid", ParameterType.String), new ParameterSpec("path", ParameterType.String)],
        },
    ];

    private Task<JsonNode?> Ticket(ApiCall call)
    {
        if (TokenHeaderPattern().IsMatch(call.Http.Request.Headers.Authorization.ToString()))
        {
            // allowtoken => 0; the message is cut at its embedded newline, hence no closing parenthesis.
            throw new PveApiException(403, "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.");
        }

        var username = call.Parameters.GetString("username") ?? throw PveApiException.InvalidParameter("username", "property is missing and it is not optional");
        var password = call.Parameters.GetString("password") ?? throw PveApiException.InvalidParameter("password", "property is missing and it is not optional");
        if (call.Parameters.GetString("realm") is { Length: > 0 } realm && !username.Contains('@', StringComparison.Ordinal))
        {
            username = $"{username}@{realm}";
        }

        var tickets = services.Tickets;
        var otp = call.Parameters.GetString("otp");
        if (call.Parameters.GetString("tfa-challenge") is { } challenge)
        {
            // Both set: "TFA response should be in 'password', not 'otp' when 'tfa-challenge' is set"; like any cause, only syslog sees it.
            var challenged = otp is null ? tickets.VerifySecondFactorTicket(challenge) : null;
            var user = challenged == username ? services.Cluster.FindUser(username) : null;
            return user is not null && IsTotpAnswer(password, user) ? Issued(user.UserId, user.Privileges, renewal: false) : throw Failed();
        }

        if (tickets.VerifyTicket(password) is { } ticketUser)
        {
            // Renewal: the current ticket stands in for the password (root@pam may renew others' tickets).
            if (ticketUser != username && ticketUser != "root@pam")
            {
                throw Failed();
            }

            return Issued(username, PrivilegesOf(username), renewal: true);
        }

        var known = services.Cluster.FindUser(username);
        if (known is null || !string.Equals(known.Password, password, StringComparison.Ordinal))
        {
            throw Failed();
        }

        if (known.HasSecondFactor)
        {
            if (otp is null)
            {
                services.Logins.CountSecondFactorChallenge();
                return Task.FromResult<JsonNode?>(new JsonObject
                {
                    ["username"] = username,
                    ["ticket"] = tickets.IssueSecondFactorTicket(username),
                    ["CSRFPreventionToken"] = tickets.IssueCsrfToken(username),
                    ["NeedTFA"] = 1,
                });
            }

            if (!IsTotpAnswer(otp, known))
            {
                throw Failed();
            }
        }

        return Issued(username, known.Privileges, renewal: false);
    }

    private Task<JsonNode?> Issued(string userId, IReadOnlySet<string>? privileges, bool renewal)
    {
        if (renewal)
        {
            services.Logins.CountRenewal();
        }
        else
        {
            services.Logins.CountPasswordLogin();
        }

        var held = privileges ?? AdministratorRole.Privileges.ToHashSet(StringComparer.Ordinal);
        var cap = new JsonObject();
        foreach (var (group, prefixes) in CapGroups)
        {
            var entries = new JsonObject();
            foreach (var privilege in held.Where(p => prefixes.Any(prefix => p.StartsWith(prefix, StringComparison.Ordinal))).Order(StringComparer.Ordinal))
            {
                entries[privilege] = 1;
            }

            cap[group] = entries;
        }

        var answer = new JsonObject
        {
            ["username"] = userId,
            ["ticket"] = services.Tickets.IssueTicket(userId),
            ["CSRFPreventionToken"] = services.Tickets.IssueCsrfToken(userId),
            ["cap"] = cap,
        };
        if (services.Options.ClusterName is { } clusterName && held.Contains("Sys.Audit"))
        {
            answer["clustername"] = clusterName;
        }

        return Task.FromResult<JsonNode?>(answer);
    }

    private Task<JsonNode?> Permissions(ApiCall call)
    {
        var caller = call.Token;
        var target = call.Parameters.GetString("userid") ?? caller.TokenId;
        var ownToken = target.StartsWith(caller.UserId + "!", StringComparison.Ordinal) && caller.IsTicketUser;
        if (target != caller.TokenId && !ownToken && !caller.Has("Sys.Audit"))
        {
            throw PveApiException.PermissionDenied("/access", "Sys.Audit");
        }

        JsonObject result = [];
        var privileges = target.Contains('!', StringComparison.Ordinal)
            ? services.Cluster.FindToken(target) is { } token ? token.Privileges ?? AdministratorRole.Privileges.ToHashSet(StringComparer.Ordinal) : null
            : PrivilegesOf(target);
        if (privileges is null || privileges.Count == 0)
        {
            // A token without a config entry, or nothing granted: no path is listed.
            return Task.FromResult<JsonNode?>(result);
        }

        var path = call.Parameters.GetString("path");
        foreach (var listed in path is null ? StandardPaths : [path])
        {
            var entries = new JsonObject();
            foreach (var privilege in privileges.Order(StringComparer.Ordinal))
            {
                // The simulator grants on every path, with propagation.
                entries[privilege] = 1;
            }

            result[listed] = entries;
        }

        return Task.FromResult<JsonNode?>(result);
    }

    private IReadOnlySet<string>? PrivilegesOf(string userId) =>
        services.Cluster.FindUser(userId) is { } user
            ? user.Privileges ?? AdministratorRole.Privileges.ToHashSet(StringComparer.Ordinal)
            : userId == "root@pam" ? AdministratorRole.Privileges.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();

    private static bool IsTotpAnswer(string answer, SimUser user) =>
        user.TotpCode is { } code && string.Equals(answer, $"totp:{code}", StringComparison.Ordinal);

    private PveApiException Failed()
    {
        services.Logins.CountFailure();
        // Whatever went wrong, the client learns only this (the cause goes to syslog).
        return PveApiException.Unauthorized("authentication failure");
    }

    [GeneratedRegex(@"(?:^|\s)PVEAPIToken(?:=| )")]
    private static partial Regex TokenHeaderPattern();
}
