namespace PveOperator.Controllers;

/// <summary>The configuration's part of a converged reconcile: a step to take (read, write, resize, restart) or what to report.</summary>
internal sealed record ConfigDecision(ContainerStep? Step, SyncOutcome? Sync, ContainerHistory History, TimeSpan? Requeue = null);
