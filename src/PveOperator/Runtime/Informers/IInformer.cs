namespace PveOperator.Runtime;

/// <summary>What the manager needs of an informer, whatever its kind.</summary>
internal interface IInformer
{
    bool HasSynced { get; }

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    Task RunAsync(CancellationToken cancellationToken);
}
