namespace PveOperator.Runtime;

/// <summary>All objects of a list call and the resourceVersion to start watching from.</summary>
internal sealed record EntityListSnapshot<TEntity>(IReadOnlyList<TEntity> Items, string ResourceVersion);
