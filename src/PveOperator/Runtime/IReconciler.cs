using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// The product's decisions for one kind. Both methods get an object freshly read from the API
/// server (never the cache), so its resourceVersion is current for optimistic concurrency.
/// Both may be called again for the same object at any time: they must be idempotent.
/// An exception is logged and the key is retried with backoff.
/// </summary>
internal interface IReconciler<in TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Drive the world towards the object's spec. Not called for objects being deleted.</summary>
    Task<ReconcileResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);

    /// <summary>
    /// Clean up for an object being deleted that still carries the controller's finalizer.
    /// Returning <see cref="ReconcileResult.Done"/> removes the finalizer and lets the deletion finish;
    /// anything else keeps the finalizer and requeues as asked. Only called when the controller has a
    /// <see cref="ControllerOptions.FinalizerName"/>.
    /// </summary>
    Task<ReconcileResult> FinalizeAsync(TEntity entity, CancellationToken cancellationToken);
}
