using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Hosting;

/// <summary>
/// Source-generated JSON metadata for every type of ours that goes through <see cref="KubernetesJson"/>: the entities,
/// their lists, watch events and statuses. KubernetesClient's own context covers its models; for our types it falls back
/// to reflection, which a NativeAOT build does not have (see <see cref="KubernetesJsonSetup"/>). It lives in Hosting because it names the entity types, which the runtime must not know.
/// </summary>
[JsonSerializable(typeof(V1Alpha1LxcContainer))]
[JsonSerializable(typeof(V1Alpha1ProxmoxProvider))]
[JsonSerializable(typeof(EntityList<V1Alpha1LxcContainer>))]
[JsonSerializable(typeof(EntityList<V1Alpha1ProxmoxProvider>))]
[JsonSerializable(typeof(LxcContainerStatus))]
[JsonSerializable(typeof(ProxmoxProviderStatus))]
[JsonSerializable(typeof(Watcher<V1Alpha1LxcContainer>.WatchEvent), TypeInfoPropertyName = "LxcContainerWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Alpha1ProxmoxProvider>.WatchEvent), TypeInfoPropertyName = "ProxmoxProviderWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Secret>.WatchEvent), TypeInfoPropertyName = "SecretWatchEvent")]
[JsonSerializable(typeof(Watcher<V1ConfigMap>.WatchEvent), TypeInfoPropertyName = "ConfigMapWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Namespace>.WatchEvent), TypeInfoPropertyName = "NamespaceWatchEvent")]
[JsonSerializable(typeof(Watcher<KubernetesObject>.WatchEvent), TypeInfoPropertyName = "ObjectWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Status>.WatchEvent), TypeInfoPropertyName = "StatusWatchEvent")]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;
