namespace PveOperator.Runtime;

/// <summary>What the manager needs of a controller, whatever its kind.</summary>
internal interface IController
{
    string Name { get; }

    /// <summary>
    /// Runs workers until <paramref name="stop"/>; then lets reconciles in progress finish (bounded by the
    /// graceful shutdown timeout) unless <paramref name="abort"/> cancels them at once.
    /// </summary>
    Task RunAsync(CancellationToken stop, CancellationToken abort);
}
