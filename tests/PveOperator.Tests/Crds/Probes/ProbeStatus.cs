using System.ComponentModel;

namespace PveOperator.Tests.Crds.Probes;

[Description("Nothing.")]
internal sealed class ProbeStatus;
