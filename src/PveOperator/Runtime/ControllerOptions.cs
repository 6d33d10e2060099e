namespace PveOperator.Runtime;

/// <summary>How one controller runs. Set in <see cref="ControllerManager.AddController{TEntity}"/>'s configure callback.</summary>
internal sealed record ControllerOptions
{
    /// <summary>Names the controller in logs and metrics; the kind in lower case by default.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// With a finalizer name, the controller puts this finalizer on every live object and calls
    /// <see cref="IReconciler{TEntity}.FinalizeAsync"/> before letting one be deleted.
    /// A qualified name is expected, e.g. "pve.example.io/cleanup".
    /// </summary>
    public string? FinalizerName { get; set; }

    /// <summary>How many keys are reconciled at once (never the same key twice at once).</summary>
    public int MaxConcurrentReconciles { get; set; } = 1;

    /// <summary>First delay of a key's retry backoff (errors and <see cref="ReconcileResult.Requeue"/>).</summary>
    public TimeSpan BackoffBaseDelay { get; set; } = ExponentialBackoffRateLimiter<string>.DefaultBaseDelay;

    /// <summary>Longest delay of a key's retry backoff.</summary>
    public TimeSpan BackoffMaxDelay { get; set; } = ExponentialBackoffRateLimiter<string>.DefaultMaxDelay;

    /// <summary>On shutdown, how long reconciles in progress may take to finish before they are cancelled.</summary>
    public TimeSpan GracefulShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
