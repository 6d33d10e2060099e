namespace PveOperator.Controllers;

/// <summary>
/// What the container controller remembers about one container between reconciles. Lost on restart by design:
/// everything that must survive a restart (the pending task) lives in the resource's status.
/// </summary>
public sealed class ContainerMemory
{
    private readonly Lock gate = new();
    private bool? lastSeenRunning;

    /// <summary>Until then the snapshot may not yet show the result of our last action.</summary>
    public DateTimeOffset SnapshotUntrustedUntil { get; private set; }
    /// <summary>A power action whose outcome is unknown was sent then.</summary>
    public DateTimeOffset? OutcomeUnknownAt { get; private set; }
    public int ConsecutiveFailures { get; private set; }
    public DateTimeOffset RetryNotBefore { get; private set; }
    public DateTimeOffset? LastIpRefresh { get; private set; }
    /// <summary>When the container was last seen going from stopped to running (DHCP starts then).</summary>
    public DateTimeOffset? StartedAt { get; private set; }
    public long FailedGeneration { get; private set; }
    /// <summary>How long after its POST the pending task was last seen still running; zero when not yet.</summary>
    public TimeSpan TaskLastSeenRunning { get; private set; }

    public void TaskSeenRunning(TimeSpan sincePost)
    {
        lock (gate)
        {
            TaskLastSeenRunning = sincePost;
        }
    }

    public void TaskEnded()
    {
        lock (gate)
        {
            TaskLastSeenRunning = TimeSpan.Zero;
        }
    }

    public void ActionSettled(DateTimeOffset now, TimeSpan snapshotLag)
    {
        lock (gate)
        {
            SnapshotUntrustedUntil = now + snapshotLag;
            OutcomeUnknownAt = null;
        }
    }

    public void OutcomeUnknown(DateTimeOffset now, TimeSpan snapshotLag)
    {
        lock (gate)
        {
            OutcomeUnknownAt = now;
            SnapshotUntrustedUntil = now + snapshotLag;
        }
    }

    public TimeSpan Failed(DateTimeOffset now, long generation, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        lock (gate)
        {
            ConsecutiveFailures = FailedGeneration == generation ? ConsecutiveFailures + 1 : 1;
            FailedGeneration = generation;
            var delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << Math.Min(ConsecutiveFailures - 1, 20))));
            RetryNotBefore = now + delay;
            return delay;
        }
    }

    /// <summary>Whether an earlier failure still holds back a new attempt; a new spec generation lifts it.</summary>
    public bool InBackoff(DateTimeOffset now, long generation)
    {
        lock (gate)
        {
            return ConsecutiveFailures > 0 && FailedGeneration == generation && now < RetryNotBefore;
        }
    }

    public void Succeeded()
    {
        lock (gate)
        {
            ConsecutiveFailures = 0;
            RetryNotBefore = DateTimeOffset.MinValue;
        }
    }

    // When the last power action was seen to succeed, until PVE shows its effect (which may take a while: HA), and
    // whether it was a start (true) or a shutdown (false).
    private DateTimeOffset? succeededAt;
    private bool succeededTowardsRunning;

    /// <summary>
    /// Whether a power action towards <paramref name="desiredRunning"/> succeeded less than <paramref name="hold"/> ago
    /// and PVE does not show its effect yet: sending it again would only queue a second task. An action towards the
    /// other state (the spec changed since) does not hold anything back.
    /// </summary>
    public bool AwaitsEffect(bool desiredRunning, DateTimeOffset now, TimeSpan hold)
    {
        lock (gate)
        {
            // SeenRunning forgets the success once PVE shows its effect, so a success still held is one not yet shown.
            return succeededAt is { } at && now - at < hold && succeededTowardsRunning == desiredRunning;
        }
    }

    /// <summary>
    /// Notes the observed state. The DHCP window opens only on a seen transition from stopped to running
    /// (<paramref name="knownStoppedBefore"/> covers the first sight after a restart), so a restarted operator does
    /// not poll every long-running container for addresses.
    /// </summary>
    public void SeenRunning(bool running, DateTimeOffset now, bool knownStoppedBefore)
    {
        lock (gate)
        {
            if (!running)
            {
                StartedAt = null;
            }
            else if (StartedAt is null && (lastSeenRunning == false || (lastSeenRunning is null && knownStoppedBefore)))
            {
                StartedAt = now;
            }

            lastSeenRunning = running;
            if (succeededAt is not null && running == succeededTowardsRunning)
            {
                // The last action's effect is visible: nothing left to wait for.
                succeededAt = null;
            }
        }
    }

    public void ActionSucceeded(DateTimeOffset now, bool towardsRunning)
    {
        lock (gate)
        {
            succeededAt = now;
            succeededTowardsRunning = towardsRunning;
        }
    }

    public void IpsRefreshed(DateTimeOffset now)
    {
        lock (gate)
        {
            LastIpRefresh = now;
        }
    }

    public void ForgetIps()
    {
        lock (gate)
        {
            LastIpRefresh = null;
        }
    }
}
