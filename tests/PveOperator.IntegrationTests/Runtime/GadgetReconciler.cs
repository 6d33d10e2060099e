using System.Collections.Concurrent;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

internal sealed class GadgetReconciler(IStatusWriter<Gadget> statusWriter) : IReconciler<Gadget>
{
    public ConcurrentQueue<string> Finalized { get; } = new();

    public async Task<ReconcileResult> ReconcileAsync(Gadget entity, CancellationToken cancellationToken)
    {
        await statusWriter.PatchStatusIfChangedAsync(entity, new GadgetStatus { Phase = $"Size{entity.Spec.Size}" }, cancellationToken);
        return ReconcileResult.Done;
    }

    public Task<ReconcileResult> FinalizeAsync(Gadget entity, CancellationToken cancellationToken)
    {
        Finalized.Enqueue(entity.Metadata.Name);
        return Task.FromResult(ReconcileResult.Done);
    }
}
