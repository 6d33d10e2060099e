using System.Net;
using k8s;
using k8s.Autorest;
using PveOperator.Controllers;

namespace PveOperator.Hosting;

/// <summary>Reads Secrets straight from the API server: only the ones providers name, only when needed.</summary>
internal sealed class KubernetesSecretReader(IKubernetes client) : ISecretReader
{
    public async Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
            return secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException(
                $"the operator may not read Secrets in namespace {@namespace}: put the Secret in the operator's Secret namespace, " +
                $"or bind a Role there that allows get on secrets to the operator's ServiceAccount", error);
        }
    }
}
