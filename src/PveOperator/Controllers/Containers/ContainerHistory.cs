namespace PveOperator.Controllers;

/// <summary>
/// What the operator remembers about one LxcContainer resource between reconciles: an immutable value that the planner
/// reads and the reconcile replaces with the next one. Lost on restart by design: whatever must survive a restart (the
/// pending operation) lives in the resource's status.
/// </summary>
internal sealed record ContainerHistory
{
    public static readonly ContainerHistory Empty = new();

    /// <summary>Until then the cluster snapshot may not show the effect of our last action yet.</summary>
    public DateTimeOffset SnapshotUntrustedUntil { get; init; }

    /// <summary>When an action whose outcome is unknown was sent (or its task vanished).</summary>
    public DateTimeOffset? OutcomeUnknownAt { get; init; }

    public int ConsecutiveFailures { get; init; }

    /// <summary>The spec generation the failures were counted for: a new generation lifts the backoff.</summary>
    public long FailedGeneration { get; init; }

    public DateTimeOffset RetryNotBefore { get; init; }

    /// <summary>When the last action was seen to succeed, while PVE does not show its effect yet (HA acts a round later).</summary>
    public DateTimeOffset? SucceededAt { get; init; }

    public bool SucceededTowardsRunning { get; init; }

    public bool? LastSeenRunning { get; init; }

    /// <summary>When the container was seen going from stopped to running: its DHCP window opens then.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? LastAddressRefresh { get; init; }

    /// <summary>The interfaces the running container gets addresses for by DHCP or SLAAC (from its netN config); null until read.</summary>
    public IReadOnlyList<DhcpInterface>? DhcpInterfaces { get; init; }

    /// <summary>How long after its POST the pending task was last seen still running; zero when not yet.</summary>
    public TimeSpan TaskLastSeenRunning { get; init; }

    /// <summary>When this operator saw its create or clone of the container end well, and on which node.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    public string? CreatedOn { get; init; }

    /// <summary>The node chosen for this resource's create (spec.node omitted), kept while it waits for a storage slot.</summary>
    public string? PlacedOn { get; init; }

    /// <summary>VMIDs an allocation found taken by a container that is not ours: never offered again to this resource.</summary>
    public System.Collections.Immutable.ImmutableHashSet<int> TakenVmids { get; init; } = [];

    /// <summary>A create failed for a missing template: list the storage's templates before trying again.</summary>
    public bool TemplateMissing { get; init; }

    /// <summary>The adopted container was seen carrying this resource's owner mark (or it was written): no need to read it again.</summary>
    public bool MarkVerified { get; init; }

    /// <summary>When the container's full config was last read, for which spec generation, and what the snapshot showed then.</summary>
    public DateTimeOffset? ConfigReadAt { get; init; }

    public long ConfigReadGeneration { get; init; }

    public string? ConfigSnapshotSignature { get; init; }

    /// <summary>The operator changed the config (a write, resize, restart or migration ended): read it again at once.</summary>
    public bool ConfigStale { get; init; }

    /// <summary>Where this operator's migration moved the container, trusted over the lagging snapshot until then.</summary>
    public string? MigratedTo { get; init; }

    public DateTimeOffset MigratedTrustedUntil { get; init; }

    /// <summary>The lock this operator has seen on the container, and since when (as far as it knows: a restart forgets).</summary>
    public string? LockSeen { get; init; }

    public DateTimeOffset? LockSeenSince { get; init; }

    /// <summary>The history after seeing <paramref name="lockName"/> (null or empty: no lock) at <paramref name="now"/>.</summary>
    public ContainerHistory SawLock(string? lockName, DateTimeOffset now) =>
        string.IsNullOrEmpty(lockName)
            ? (LockSeen is null ? this : this with { LockSeen = null, LockSeenSince = null })
            : LockSeen == lockName ? this : this with { LockSeen = lockName, LockSeenSince = now };

    public ContainerHistory Created(DateTimeOffset now, string node) =>
        this with { CreatedAt = now, CreatedOn = node, TemplateMissing = false, MarkVerified = true };

    public bool InBackoff(DateTimeOffset now, long generation) =>
        ConsecutiveFailures > 0 && FailedGeneration == generation && now < RetryNotBefore;

    public bool InOutcomeUnknownHold(DateTimeOffset now, TimeSpan hold) => OutcomeUnknownAt is { } at && now - at < hold;

    /// <summary>
    /// Whether an action towards <paramref name="desiredRunning"/> succeeded less than <paramref name="hold"/> ago and PVE
    /// does not show its effect yet (<see cref="SeenRunning"/> forgets the success once it does).
    /// </summary>
    public bool AwaitsEffect(bool desiredRunning, DateTimeOffset now, TimeSpan hold) =>
        SucceededAt is { } at && now - at < hold && SucceededTowardsRunning == desiredRunning;

    /// <summary>The backoff after one more failure: doubling from <paramref name="baseDelay"/> up to <paramref name="maxDelay"/>.</summary>
    public ContainerHistory Failed(DateTimeOffset now, long generation, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var failures = FailedGeneration == generation ? ConsecutiveFailures + 1 : 1;
        var delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << Math.Min(failures - 1, 20))));
        return this with { ConsecutiveFailures = failures, FailedGeneration = generation, RetryNotBefore = now + delay };
    }

    public TimeSpan BackoffRemaining(DateTimeOffset now) => RetryNotBefore - now;

    public ContainerHistory Converged() => this with { ConsecutiveFailures = 0, RetryNotBefore = DateTimeOffset.MinValue };

    /// <summary>An action ended (or was found unnecessary): trust fresh reads over the lagging snapshot for a while.</summary>
    public ContainerHistory Settled(DateTimeOffset now, TimeSpan snapshotLag) =>
        this with { SnapshotUntrustedUntil = now + snapshotLag, OutcomeUnknownAt = null };

    public ContainerHistory OutcomeUnknown(DateTimeOffset now, TimeSpan snapshotLag) =>
        this with { OutcomeUnknownAt = now, SnapshotUntrustedUntil = now + snapshotLag };

    public ContainerHistory ActionSucceeded(DateTimeOffset now, bool towardsRunning) =>
        this with { SucceededAt = now, SucceededTowardsRunning = towardsRunning };

    public ContainerHistory TaskSeenRunning(TimeSpan sincePost) => this with { TaskLastSeenRunning = sincePost };

    public ContainerHistory ActionSent() => this with { TaskLastSeenRunning = TimeSpan.Zero };

    /// <summary>
    /// The observed power state. The DHCP window opens only on a seen transition from stopped to running
    /// (<paramref name="knownStoppedBefore"/> covers the first sight after a restart), so a restarted operator does not
    /// poll every long-running container for addresses. A stopped container forgets its address refresh, so that the
    /// next start reads its addresses afresh.
    /// </summary>
    public ContainerHistory SeenRunning(bool running, DateTimeOffset now, bool knownStoppedBefore)
    {
        var startedAt = !running
            ? null
            : StartedAt ?? (LastSeenRunning == false || (LastSeenRunning is null && knownStoppedBefore) ? now : null);
        var effectShown = SucceededAt is not null && running == SucceededTowardsRunning;
        return this with
        {
            StartedAt = startedAt,
            LastSeenRunning = running,
            SucceededAt = effectShown ? null : SucceededAt,
            LastAddressRefresh = running ? LastAddressRefresh : null,
            // Read again at the next start: the config may have changed meanwhile.
            DhcpInterfaces = running ? DhcpInterfaces : null,
        };
    }

    public ContainerHistory AddressesRefreshed(DateTimeOffset at) => this with { LastAddressRefresh = at };
}
