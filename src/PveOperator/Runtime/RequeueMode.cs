namespace PveOperator.Runtime;

internal enum RequeueMode
{
    /// <summary>Do not requeue.</summary>
    None,

    /// <summary>Requeue with the key's exponential backoff.</summary>
    WithBackoff,

    /// <summary>Requeue after <see cref="ReconcileResult.Delay"/>.</summary>
    After,
}
