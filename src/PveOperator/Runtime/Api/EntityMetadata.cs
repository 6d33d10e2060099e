using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// What the API server needs to address a kind: group, version, kind, plural and scope.
/// Read from <see cref="KubernetesEntityAttribute"/>; the scope, which that attribute cannot say, from the resolver the
/// process declares with <see cref="ResolveScopesWith"/> (namespaced, as most Kubernetes kinds are, when it says nothing).
/// </summary>
internal sealed record EntityMetadata(string Group, string Version, string Kind, string Plural, bool IsNamespaced)
{
    private static readonly ConcurrentDictionary<Type, EntityMetadata> Cache = new();
    private static Func<Type, bool?> isNamespaced = _ => null;

    /// <summary>
    /// Tells the runtime how to read a kind's scope from the types it is given (their own declaration, which the runtime
    /// does not know); null means namespaced. Set once, before the first look-up.
    /// </summary>
    public static void ResolveScopesWith(Func<Type, bool?> resolver)
    {
        isNamespaced = resolver;
        Cache.Clear();
    }

    /// <summary>"group/version", or just "version" for the core group (e.g. "v1").</summary>
    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";

    public bool IsCoreGroup => string.IsNullOrEmpty(Group);

    public static EntityMetadata For<TEntity>() => For(typeof(TEntity));

    public static EntityMetadata For(Type entityType) => Cache.GetOrAdd(entityType, Read);

    private static EntityMetadata Read(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>(inherit: false)
            ?? throw new InvalidOperationException(
                $"{entityType.Name} has no [KubernetesEntity] attribute: the runtime cannot tell its group, version, kind and plural.");
        if (string.IsNullOrEmpty(entity.Kind) || string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.PluralName))
        {
            throw new InvalidOperationException(
                $"[KubernetesEntity] on {entityType.Name} must set Kind, ApiVersion and PluralName.");
        }

        return new EntityMetadata(entity.Group ?? string.Empty, entity.ApiVersion, entity.Kind, entity.PluralName, isNamespaced(entityType) ?? true);
    }
}
