using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// The product's decisions for one kind. Both methods get the object as the informer's cache holds it, or, when the
/// operator's own last write of it (a status or finalizer patch) is newer than the cache's copy, as that write left it:
/// never a status older than one the operator wrote. The object may lag other writers' changes (their events requeue
/// it); a write that must not overwrite a newer version sends its resourceVersion and handles 409 Conflict. The object
/// is the reconciler's own copy: changing it changes nothing else.
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
