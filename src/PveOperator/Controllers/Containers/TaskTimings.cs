namespace PveOperator.Controllers;

/// <summary>
/// How long a provider's power-action tasks take, learnt from the tasks the operator watched end, so that a pending
/// task is polled about when it should be done (and then briefly more often) instead of on a fixed interval.
/// Until a task of that action was seen ending, polling keeps the fixed interval.
/// </summary>
internal sealed class TaskTimings
{
    // Weight of the newest observation: a few tasks are enough to follow a change (a busier cluster).
    private const double Smoothing = 0.3;
    private static readonly TimeSpan LongestEstimate = TimeSpan.FromMinutes(10);

    private readonly Lock gate = new();
    private readonly Dictionary<string, TimeSpan> estimates = new(StringComparer.Ordinal);

    public TimeSpan? Estimate(string action)
    {
        lock (gate)
        {
            return estimates.TryGetValue(action, out var estimate) ? estimate : null;
        }
    }

    /// <summary>
    /// A task ended somewhere after <paramref name="lastSeenRunning"/> (zero: never seen running) and before
    /// <paramref name="seenEnded"/>, both measured from the POST.
    /// </summary>
    public void Observe(string action, TimeSpan lastSeenRunning, TimeSpan seenEnded, TimeSpan minPoll)
    {
        if (seenEnded <= TimeSpan.Zero || seenEnded > LongestEstimate || lastSeenRunning > seenEnded)
        {
            return;
        }

        // Seen running before: it ended in between. Ended at the first look: it may have ended well before, so lean
        // early; the estimate then creeps down until a first look finds the task still running.
        var sample = lastSeenRunning > TimeSpan.Zero
            ? (lastSeenRunning + seenEnded) / 2
            : seenEnded - (minPoll < seenEnded / 2 ? minPoll : seenEnded / 2);
        lock (gate)
        {
            estimates[action] = estimates.TryGetValue(action, out var previous)
                ? previous + (sample - previous) * Smoothing
                : sample;
        }
    }

    /// <summary>When to look at a task again that has run <paramref name="elapsed"/> since its POST.</summary>
    public TimeSpan NextPoll(string action, TimeSpan elapsed, TimeSpan minPoll, TimeSpan maxPoll)
    {
        if (Estimate(action) is not { } expected)
        {
            return maxPoll;
        }

        var untilExpected = expected - elapsed;
        if (untilExpected >= minPoll)
        {
            return untilExpected < maxPoll ? untilExpected : maxPoll;
        }

        // Overdue: look again soon, then less often the longer it overruns.
        var overdue = elapsed - expected;
        var delay = overdue / 2;
        return delay < minPoll ? minPoll : delay > maxPoll ? maxPoll : delay;
    }
}
