namespace PveSimulator;

/// <summary>Outcomes of POST /access/ticket, so tests can tell a renewal from a fresh login.</summary>
public sealed class LoginCounters
{
    private long passwordLogins;
    private long renewals;
    private long secondFactorChallenges;
    private long failures;

    /// <summary>Full tickets issued for a password (or a second-factor answer).</summary>
    public long PasswordLogins => Interlocked.Read(ref passwordLogins);
    /// <summary>Full tickets issued for a still-valid ticket posted as the password.</summary>
    public long Renewals => Interlocked.Read(ref renewals);
    /// <summary>Answers with NeedTFA: 1 (a half-authenticated ticket).</summary>
    public long SecondFactorChallenges => Interlocked.Read(ref secondFactorChallenges);
    /// <summary>401 authentication failure answers.</summary>
    public long Failures => Interlocked.Read(ref failures);

    internal void CountPasswordLogin() => Interlocked.Increment(ref passwordLogins);
    internal void CountRenewal() => Interlocked.Increment(ref renewals);
    internal void CountSecondFactorChallenge() => Interlocked.Increment(ref secondFactorChallenges);
    internal void CountFailure() => Interlocked.Increment(ref failures);
}
