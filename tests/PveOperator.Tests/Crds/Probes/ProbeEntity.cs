using System.ComponentModel;
using k8s.Models;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds.Probes;

/// <summary>An entity for the generator's own rules, with the spec under test.</summary>
[KubernetesEntity(Group = "probes.pve-operator.io", ApiVersion = "v1", Kind = "Probe", PluralName = "probes")]
[Description("A probe.")]
internal sealed class ProbeEntity<TSpec> : CustomEntity<TSpec, ProbeStatus>
    where TSpec : new();
