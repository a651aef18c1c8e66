using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Wirewatch.Alerting;

public static class AlerterRegistration
{
    public static IServiceCollection AddAlerter(this IServiceCollection services, SubscriptionCatalog catalog, string databasePath)
    {
        services.AddSingleton(catalog);
        services.AddSingleton<SubscriptionMatcher>();
        services.AddSingleton<IAlertLedger>(_ => new SqliteAlertLedger(databasePath));
        return services;
    }

    public static IBusRegistrationConfigurator AddAlerterConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RaiseAlertsConsumer, RaiseAlertsConsumerDefinition>();
        return bus;
    }
}
