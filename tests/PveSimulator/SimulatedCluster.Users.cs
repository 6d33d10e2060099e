using PveSimulator.Model;

namespace PveSimulator;

// Users with passwords and privilege-separated tokens: what ticket login and /access/permissions need.
public sealed partial class SimulatedCluster
{
    private readonly Dictionary<string, SimUser> users = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds or replaces a user who may log in with <paramref name="password"/>. Privileges null: Administrator on /
    /// (as root@pam has). With <paramref name="totpCode"/> the user has a TOTP second factor, answered with that code.
    /// </summary>
    public void AddUser(string userId, string password, IEnumerable<string>? privileges = null, string? totpCode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (userId.Contains('!', StringComparison.Ordinal) || !userId.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{userId}' is not a user id like user@realm", nameof(userId));
        }

        var granted = privileges is null ? null : new HashSet<string>(privileges, StringComparer.Ordinal);
        lock (gate)
        {
            users[userId] = new SimUser(userId, password, granted, totpCode);
        }
    }

    /// <summary>
    /// Adds a token with privsep=1 (PVE's default): its effective privileges are the intersection of its own and its
    /// user's, except for a token of root@pam, whose own ACLs alone count. The user must exist (or be root@pam).
    /// </summary>
    public void AddPrivilegeSeparatedToken(string tokenId, string secret, params string[] privileges)
    {
        ArgumentNullException.ThrowIfNull(privileges);
        var userId = tokenId.Contains('!', StringComparison.Ordinal) ? tokenId[..tokenId.IndexOf('!', StringComparison.Ordinal)] : tokenId;
        IReadOnlySet<string>? owner;
        lock (gate)
        {
            owner = userId == "root@pam" ? null
                : users.TryGetValue(userId, out var user) ? user.Privileges
                : throw new ArgumentException($"no user {userId}: add it first", nameof(tokenId));
        }

        var own = new HashSet<string>(privileges, StringComparer.Ordinal);
        if (owner is not null)
        {
            own.IntersectWith(owner);
        }

        StoreToken(tokenId, secret, own);
    }

    internal SimUser? FindUser(string userId)
    {
        lock (gate)
        {
            if (users.TryGetValue(userId, out var user))
            {
                return user;
            }
        }

        return null;
    }
}
