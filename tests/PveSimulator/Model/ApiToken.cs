namespace PveSimulator.Model;

/// <summary>An API token; <see cref="Privileges"/> null means every privilege (Administrator on /).</summary>
internal sealed record ApiToken(string TokenId, string Secret, IReadOnlySet<string>? Privileges)
{
    /// <summary>The owning user, e.g. "root@pam" for "root@pam!sim".</summary>
    public string UserId => TokenId[..TokenId.IndexOf('!')];

    /// <summary>The token's own name, e.g. "sim" for "root@pam!sim" (what task status reports as tokenid).</summary>
    public string TokenName => TokenId[(TokenId.IndexOf('!') + 1)..];

    // Privileges are granted on every path: the simulator has no ACL tree, only a per-token grant list.
    public bool Has(string privilege) => Privileges is null || Privileges.Contains(privilege);
}
