using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting;

/// <summary>Something the host runs under a unique name: a map channel, a BPF object, a ring buffer.</summary>
internal interface IHostedRegistration
{
    /// <summary>The registration's name, unique among registrations of its kind.</summary>
    string Name { get; }
}

/// <summary>The one way every kind of registration is added: checked for a unique name, then added as a singleton.</summary>
internal static class HostedRegistration
{
    /// <summary>Adds <paramref name="registration"/> as a <typeparamref name="TRegistration"/> singleton.</summary>
    /// <exception cref="ArgumentException">A registration of the same kind already has that name.</exception>
    public static void Add<TRegistration>(IServiceCollection services, TRegistration registration, string kind)
        where TRegistration : class, IHostedRegistration
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(TRegistration) && descriptor.ImplementationInstance is TRegistration existing && existing.Name == registration.Name)
            {
                throw new ArgumentException($"A {kind} named '{registration.Name}' is already registered.", "name");
            }
        }

        services.AddSingleton(registration);
    }
}
