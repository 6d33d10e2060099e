using k8s;

namespace PveOperator.Runtime;

/// <summary>One event of a watch stream; for a bookmark, only the object's resourceVersion is set.</summary>
internal readonly record struct EntityWatchEvent<TEntity>(WatchEventType Type, TEntity Object);
