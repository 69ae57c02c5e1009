/** @odoo-module **/
// Copyright 2026 capacity-promise
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The load board and the schedule: Odoo Community has no Gantt view, so these two client
// actions draw what the server lays out (labels, dates and numbers already in the
// user's language, positions in percent).
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

class CapacityScreen extends Component {
    static props = ["*"];
    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ offset: 0, scale: "day", data: null });
        onWillStart(() => this.load());
    }
    async move(step) {
        this.state.offset = step ? this.state.offset + step : 0;
        await this.load();
    }
}

export class CapacityLoadBoard extends CapacityScreen {
    static template = "sale_capacity_promise.LoadBoard";
    async load() {
        this.state.data = await this.orm.call("capacity.workcenter.load", "get_load_board", [
            this.state.scale,
            this.state.offset,
        ]);
    }
    async setScale(scale) {
        this.state.scale = scale;
        this.state.offset = 0;
        await this.load();
    }
    openAnalysis() {
        this.action.doAction("sale_capacity_promise.capacity_workcenter_load_action");
    }
}

export class CapacitySchedule extends CapacityScreen {
    static template = "sale_capacity_promise.Schedule";
    async load() {
        this.state.data = await this.orm.call("mrp.workorder", "get_capacity_schedule", [
            this.state.offset,
        ]);
    }
    openProduction(operation) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "mrp.production",
            res_id: operation.production_id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("sale_capacity_promise.load_board", CapacityLoadBoard);
registry.category("actions").add("sale_capacity_promise.schedule", CapacitySchedule);
