using System.Reflection;
using System.Runtime.CompilerServices;
using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Hosting;

/// <summary>
/// Tells the runtime each entity's scope as the entity declares it once, in its <see cref="CustomResourceAttribute"/>
/// (which also drives the CRD). A module initializer, so that every user of the assembly (the operator, tests, the
/// benchmark) gets it before the first API call, without a wiring step to forget.
/// </summary>
internal static class EntityScopes
{
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The operator is an executable; the initializer only registers a pure attribute look-up.")]
    internal static void Register() =>
        EntityMetadata.ResolveScopesWith(type => type.GetCustomAttribute<CustomResourceAttribute>(inherit: false) is { } resource
            ? resource.Scope == ResourceScope.Namespaced
            : null);
}
