namespace PveOperator.Entities;

/// <summary>
/// The list's merge strategy for server-side apply (Flux, Argo CD, kubectl apply --server-side). For
/// <see cref="ListType.Map"/>, <paramref name="mapKeys"/> name the item fields that identify an item; the generator
/// makes them required, because the API server refuses a map item without its key.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeAttribute(ListType type, params string[] mapKeys) : Attribute
{
    public ListType Type { get; } = type;
    public IReadOnlyList<string> MapKeys { get; } = mapKeys;
}
