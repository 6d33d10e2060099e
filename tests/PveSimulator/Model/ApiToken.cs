namespace PveSimulator.Model;

/// <summary>An API token; <see cref="Privileges"/> null means every privilege (Administrator on /).</summary>
internal sealed record ApiToken(string TokenId, string Secret, IReadOnlySet<string>? Privileges)
{
    /// <summary>The owning user, e.g. "root@pam" for "root@pam!sim".</summary>
    public string UserId => TokenId.Contains('!') ? TokenId[..TokenId.IndexOf('!')] : TokenId;

    /// <summary>The token's own name, e.g. "sim" for "root@pam!sim" (what task status reports as tokenid).</summary>
    public string TokenName => TokenId.Contains('!') ? TokenId[(TokenId.IndexOf('!') + 1)..] : "";

    /// <summary>A user logged in with a ticket rather than an API token (<see cref="TokenId"/> is then the user id).</summary>
    public bool IsTicketUser { get; init; }

    /// <summary>The caller of an endpoint that needs no credentials.</summary>
    public static ApiToken Anonymous { get; } = new("", "", new HashSet<string>());

    // Privileges are granted on every path: the simulator has no ACL tree, only a per-token grant list.
    public bool Has(string privilege) => Privileges is null || Privileges.Contains(privilege);
}
