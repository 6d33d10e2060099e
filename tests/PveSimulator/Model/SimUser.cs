namespace PveSimulator.Model;

/// <summary>A PVE user who can log in with a password; <see cref="Privileges"/> null means Administrator on /.</summary>
internal sealed record SimUser(string UserId, string Password, IReadOnlySet<string>? Privileges, string? TotpCode)
{
    public bool HasSecondFactor => TotpCode is not null;
}
