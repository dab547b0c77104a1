"""The webhook intake Lambda: signed Zendesk deliveries in, ticket events onto the FIFO queue."""
