using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>The operator's ServiceAccount can do what config/rbac grants and nothing more, Secrets above all.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OperatorIdentityTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task The_operator_cannot_read_Secrets_outside_what_its_roles_grant()
    {
        var elsewhere = await controlPlane.CreateNamespaceAsync();
        try
        {
            await harness.Kube.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "someone-elses", NamespaceProperty = elsewhere },
                Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes("not-for-the-operator") },
            }, elsewhere);
            using var asOperator = new Kubernetes(OperatorIdentity.ConfigurationFor(controlPlane.Configuration, await harness.OperatorTokenAsync()));

            Assert.Equal(HttpStatusCode.Forbidden, await StatusOf(() => asOperator.CoreV1.ReadNamespacedSecretAsync("someone-elses", elsewhere)));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusOf(() => asOperator.CoreV1.ListNamespacedSecretAsync(elsewhere)));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusOf(() => asOperator.CoreV1.ListSecretForAllNamespacesAsync()));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusOf(() => asOperator.CoreV1.DeleteNamespacedSecretAsync("someone-elses", elsewhere)));
            // What the roles do grant: its own namespace, and the test namespace bound as docs/install.md shows.
            Assert.Equal(HttpStatusCode.OK, await StatusOf(() => asOperator.CoreV1.ListNamespacedSecretAsync(OperatorIdentity.ServiceAccountNamespace)));
            Assert.Equal(HttpStatusCode.OK, await StatusOf(() => asOperator.CoreV1.ListNamespacedSecretAsync(harness.Namespace)));

            // A provider pointing there is told why, instead of failing silently, and the operator does not even try.
            var simulator = await harness.StartSimulatorAsync();
            var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SecretRef = new SecretKeyReference
            {
                Namespace = elsewhere,
                Name = "someone-elses",
                Key = "password",
            });
            var status = await harness.WaitForProviderAsync(provider, "False", Reasons.SecretNotAllowed);
            Assert.Contains("outside the operator's namespace", ConditionList.Find(status.Status.Conditions, ConditionTypes.Ready)!.Message);
        }
        finally
        {
            await harness.Kube.CoreV1.DeleteNamespaceAsync(elsewhere);
        }
    }

    private static async Task<HttpStatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return HttpStatusCode.OK;
        }
        catch (HttpOperationException error)
        {
            return error.Response.StatusCode;
        }
    }
}
